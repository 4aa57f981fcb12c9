-- CreateIndex
CREATE INDEX "HazardLetter_campaignId_status_idx" ON "HazardLetter"("campaignId", "status");


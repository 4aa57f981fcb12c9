-- AlterTable
ALTER TABLE "Hazard" ADD COLUMN     "chaseStartedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Hazard_campaignId_chaseStartedAt_idx" ON "Hazard"("campaignId", "chaseStartedAt");


-- Hazards recorded before this column had their chases started when recorded
UPDATE "Hazard" SET "chaseStartedAt" = "createdAt";

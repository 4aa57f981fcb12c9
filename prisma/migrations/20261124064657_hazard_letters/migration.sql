-- CreateTable
CREATE TABLE "HazardLetter" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "businessKey" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "hazardId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "deadline" TEXT NOT NULL,
    "listingId" TEXT,
    "scheduledAt" DATETIME NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" DATETIME,
    "claimToken" TEXT,
    "messageId" TEXT NOT NULL,
    "recipients" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "documentNumber" TEXT,
    "sentAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "HazardLetter_businessKey_key" ON "HazardLetter"("businessKey");

-- CreateIndex
CREATE INDEX "HazardLetter_campaignId_hazardId_idx" ON "HazardLetter"("campaignId", "hazardId");


-- CreateTable
CREATE TABLE "HazardLetter" (
    "id" SERIAL NOT NULL,
    "businessKey" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "hazardId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "deadline" TEXT NOT NULL,
    "listingId" TEXT,
    "scheduledAt" TIMESTAMP(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" TIMESTAMP(3),
    "claimToken" TEXT,
    "messageId" TEXT NOT NULL,
    "recipients" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "documentNumber" TEXT,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HazardLetter_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "HazardLetter_businessKey_key" ON "HazardLetter"("businessKey");

-- CreateIndex
CREATE INDEX "HazardLetter_campaignId_hazardId_idx" ON "HazardLetter"("campaignId", "hazardId");


-- CreateTable
CREATE TABLE "Circulation" (
    "id" SERIAL NOT NULL,
    "circulationKey" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "scheduledAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" TIMESTAMP(3),
    "claimToken" TEXT,
    "messageId" TEXT NOT NULL,
    "recipients" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "listed" TEXT NOT NULL,
    "documentNumber" TEXT,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Circulation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Circulation_circulationKey_key" ON "Circulation"("circulationKey");

-- CreateIndex
CREATE INDEX "Circulation_campaignId_idx" ON "Circulation"("campaignId");


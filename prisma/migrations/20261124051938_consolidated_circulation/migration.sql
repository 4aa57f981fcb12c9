-- CreateTable
CREATE TABLE "Circulation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "circulationKey" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "scheduledAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" DATETIME,
    "claimToken" TEXT,
    "messageId" TEXT NOT NULL,
    "recipients" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "listed" TEXT NOT NULL,
    "documentNumber" TEXT,
    "sentAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "Circulation_circulationKey_key" ON "Circulation"("circulationKey");

-- CreateIndex
CREATE INDEX "Circulation_campaignId_idx" ON "Circulation"("campaignId");


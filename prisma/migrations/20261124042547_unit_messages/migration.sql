-- CreateTable
CREATE TABLE "UnitMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "messageKey" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "deliverableId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" DATETIME,
    "claimToken" TEXT,
    "messageId" TEXT NOT NULL,
    "recipients" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "sentAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "UnitMessage_messageKey_key" ON "UnitMessage"("messageKey");

-- CreateIndex
CREATE INDEX "UnitMessage_campaignId_unitId_idx" ON "UnitMessage"("campaignId", "unitId");


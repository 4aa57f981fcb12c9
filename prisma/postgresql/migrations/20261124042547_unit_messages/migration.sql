-- CreateTable
CREATE TABLE "UnitMessage" (
    "id" SERIAL NOT NULL,
    "messageKey" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "deliverableId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" TIMESTAMP(3),
    "claimToken" TEXT,
    "messageId" TEXT NOT NULL,
    "recipients" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UnitMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "UnitMessage_messageKey_key" ON "UnitMessage"("messageKey");

-- CreateIndex
CREATE INDEX "UnitMessage_campaignId_unitId_idx" ON "UnitMessage"("campaignId", "unitId");


-- AlterTable
ALTER TABLE "Unit" ADD COLUMN     "webhooks" TEXT NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "ChannelDelivery" (
    "id" SERIAL NOT NULL,
    "deliveryKey" TEXT NOT NULL,
    "letterKey" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "deliverableId" TEXT,
    "kind" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" TIMESTAMP(3),
    "claimToken" TEXT,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChannelDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ChannelDelivery_deliveryKey_key" ON "ChannelDelivery"("deliveryKey");

-- CreateIndex
CREATE INDEX "ChannelDelivery_campaignId_unitId_idx" ON "ChannelDelivery"("campaignId", "unitId");


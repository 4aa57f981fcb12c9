-- CreateTable
CREATE TABLE "ChannelDelivery" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "deliveryKey" TEXT NOT NULL,
    "letterKey" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "deliverableId" TEXT,
    "kind" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" DATETIME,
    "claimToken" TEXT,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "sentAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Unit" (
    "campaignId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "principalName" TEXT NOT NULL,
    "principalEmail" TEXT NOT NULL,
    "reportsTo" TEXT NOT NULL,
    "principals" TEXT NOT NULL DEFAULT '[]',
    "webhooks" TEXT NOT NULL DEFAULT '[]',

    PRIMARY KEY ("campaignId", "unitId"),
    CONSTRAINT "Unit_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Unit" ("campaignId", "email", "name", "principalEmail", "principalName", "principals", "reportsTo", "type", "unitId") SELECT "campaignId", "email", "name", "principalEmail", "principalName", "principals", "reportsTo", "type", "unitId" FROM "Unit";
DROP TABLE "Unit";
ALTER TABLE "new_Unit" RENAME TO "Unit";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "ChannelDelivery_deliveryKey_key" ON "ChannelDelivery"("deliveryKey");

-- CreateIndex
CREATE INDEX "ChannelDelivery_campaignId_unitId_idx" ON "ChannelDelivery"("campaignId", "unitId");


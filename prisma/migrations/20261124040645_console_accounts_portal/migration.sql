-- AlterTable
ALTER TABLE "Interview" ADD COLUMN "closedAt" DATETIME;
ALTER TABLE "Interview" ADD COLUMN "conductedBy" TEXT;
ALTER TABLE "Interview" ADD COLUMN "outcome" TEXT;
ALTER TABLE "Interview" ADD COLUMN "place" TEXT;

-- CreateTable
CREATE TABLE "Operator" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "displayName" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "OperatorSession" (
    "tokenHash" TEXT NOT NULL PRIMARY KEY,
    "operator" TEXT NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "LoginThrottle" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "failures" INTEGER NOT NULL,
    "lastFailure" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ExtensionRequest" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "campaignId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "deliverableId" TEXT NOT NULL,
    "requestedTo" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requestedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedBy" TEXT,
    "decidedAt" DATETIME,
    "decisionNote" TEXT
);

-- CreateTable
CREATE TABLE "Secret" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "OperatorSession_operator_idx" ON "OperatorSession"("operator");

-- CreateIndex
CREATE INDEX "ExtensionRequest_campaignId_unitId_deliverableId_idx" ON "ExtensionRequest"("campaignId", "unitId", "deliverableId");


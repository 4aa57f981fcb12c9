-- AlterTable
ALTER TABLE "Interview" ADD COLUMN     "closedAt" TIMESTAMP(3),
ADD COLUMN     "conductedBy" TEXT,
ADD COLUMN     "outcome" TEXT,
ADD COLUMN     "place" TEXT;

-- CreateTable
CREATE TABLE "Operator" (
    "name" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,

    CONSTRAINT "Operator_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "OperatorSession" (
    "tokenHash" TEXT NOT NULL,
    "operator" TEXT NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OperatorSession_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateTable
CREATE TABLE "LoginThrottle" (
    "name" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "lastFailure" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LoginThrottle_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "ExtensionRequest" (
    "id" SERIAL NOT NULL,
    "campaignId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "deliverableId" TEXT NOT NULL,
    "requestedTo" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decisionNote" TEXT,

    CONSTRAINT "ExtensionRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Secret" (
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Secret_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "OperatorSession_operator_idx" ON "OperatorSession"("operator");

-- CreateIndex
CREATE INDEX "ExtensionRequest_campaignId_unitId_deliverableId_idx" ON "ExtensionRequest"("campaignId", "unitId", "deliverableId");


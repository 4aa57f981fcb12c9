-- CreateTable
CREATE TABLE "Hazard" (
    "campaignId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "serial" INTEGER NOT NULL,
    "site" TEXT NOT NULL,
    "townId" TEXT NOT NULL,
    "departmentId" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "basis" TEXT NOT NULL,
    "foundOn" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "measures" TEXT NOT NULL,
    "responsible" TEXT NOT NULL,
    "fundsWan" DOUBLE PRECISION NOT NULL,
    "originalDeadline" TEXT NOT NULL,
    "deadline" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reportedOn" TEXT,
    "lateWorkingDays" INTEGER,
    "closedOn" TEXT,
    "listingStatus" TEXT,
    "listingLevel" TEXT,
    "importKey" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Hazard_pkey" PRIMARY KEY ("campaignId","id")
);

-- CreateTable
CREATE TABLE "HazardEvent" (
    "id" SERIAL NOT NULL,
    "campaignId" TEXT NOT NULL,
    "hazardId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "listingId" TEXT,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "detail" TEXT NOT NULL,

    CONSTRAINT "HazardEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HazardListing" (
    "campaignId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "hazardId" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "documentNumber" TEXT NOT NULL,
    "listedOn" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "announcedOn" TEXT,
    "delistedOn" TEXT,
    "pendingExtension" BOOLEAN NOT NULL DEFAULT false,
    "record" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HazardListing_pkey" PRIMARY KEY ("campaignId","id")
);

-- CreateTable
CREATE TABLE "HazardStatsPeriod" (
    "campaignId" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "closedAt" TIMESTAMP(3) NOT NULL,
    "closedBy" TEXT NOT NULL,
    "figures" TEXT NOT NULL,

    CONSTRAINT "HazardStatsPeriod_pkey" PRIMARY KEY ("campaignId","period")
);

-- CreateIndex
CREATE INDEX "Hazard_campaignId_townId_status_idx" ON "Hazard"("campaignId", "townId", "status");

-- CreateIndex
CREATE INDEX "Hazard_campaignId_departmentId_status_idx" ON "Hazard"("campaignId", "departmentId", "status");

-- CreateIndex
CREATE INDEX "Hazard_campaignId_status_deadline_idx" ON "Hazard"("campaignId", "status", "deadline");

-- CreateIndex
CREATE INDEX "Hazard_campaignId_level_status_idx" ON "Hazard"("campaignId", "level", "status");

-- CreateIndex
CREATE INDEX "Hazard_campaignId_listingStatus_idx" ON "Hazard"("campaignId", "listingStatus");

-- CreateIndex
CREATE INDEX "Hazard_campaignId_importKey_idx" ON "Hazard"("campaignId", "importKey");

-- CreateIndex
CREATE UNIQUE INDEX "Hazard_campaignId_serial_key" ON "Hazard"("campaignId", "serial");

-- CreateIndex
CREATE INDEX "HazardEvent_campaignId_at_idx" ON "HazardEvent"("campaignId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "HazardEvent_campaignId_hazardId_seq_key" ON "HazardEvent"("campaignId", "hazardId", "seq");

-- CreateIndex
CREATE INDEX "HazardListing_campaignId_hazardId_idx" ON "HazardListing"("campaignId", "hazardId");

-- CreateIndex
CREATE INDEX "HazardListing_campaignId_status_idx" ON "HazardListing"("campaignId", "status");


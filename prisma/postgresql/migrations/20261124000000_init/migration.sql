-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "officeName" TEXT NOT NULL,
    "officeEmail" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "sourceFile" TEXT NOT NULL,
    "definitionYaml" TEXT NOT NULL,
    "definitionHash" TEXT NOT NULL,
    "launchedAt" TIMESTAMP(3) NOT NULL,
    "launchedBy" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "workflowStartedAt" TIMESTAMP(3),
    "settings" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Unit" (
    "campaignId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "principalName" TEXT NOT NULL,
    "principalEmail" TEXT NOT NULL,
    "reportsTo" TEXT NOT NULL,

    CONSTRAINT "Unit_pkey" PRIMARY KEY ("campaignId","unitId")
);

-- CreateTable
CREATE TABLE "Obligation" (
    "campaignId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "deliverableId" TEXT NOT NULL,
    "deliverableName" TEXT NOT NULL,
    "stageId" TEXT NOT NULL,
    "originalDue" TEXT NOT NULL,
    "due" TEXT NOT NULL,
    "opensAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "escalation" TEXT NOT NULL,
    "extended" BOOLEAN NOT NULL DEFAULT false,
    "returned" BOOLEAN NOT NULL DEFAULT false,
    "submittedAt" TIMESTAMP(3),
    "lateWorkingDays" INTEGER,
    "submittedFile" TEXT,
    "workflowId" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Obligation_pkey" PRIMARY KEY ("campaignId","unitId","deliverableId")
);

-- CreateTable
CREATE TABLE "Notice" (
    "id" SERIAL NOT NULL,
    "businessKey" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "deliverableId" TEXT NOT NULL,
    "deadline" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "scheduledAt" TIMESTAMP(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" TIMESTAMP(3),
    "messageId" TEXT NOT NULL,
    "recipients" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Interview" (
    "id" SERIAL NOT NULL,
    "noticeKey" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "deliverableId" TEXT NOT NULL,
    "principal" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "scheduledFor" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Interview_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" SERIAL NOT NULL,
    "eventKey" TEXT,
    "campaignId" TEXT NOT NULL,
    "unitId" TEXT,
    "deliverableId" TEXT,
    "at" TIMESTAMP(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "detail" TEXT NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Obligation_campaignId_status_idx" ON "Obligation"("campaignId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Notice_businessKey_key" ON "Notice"("businessKey");

-- CreateIndex
CREATE INDEX "Notice_campaignId_unitId_idx" ON "Notice"("campaignId", "unitId");

-- CreateIndex
CREATE UNIQUE INDEX "Interview_noticeKey_key" ON "Interview"("noticeKey");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_eventKey_key" ON "AuditEvent"("eventKey");

-- CreateIndex
CREATE INDEX "AuditEvent_campaignId_unitId_at_idx" ON "AuditEvent"("campaignId", "unitId", "at");

-- AddForeignKey
ALTER TABLE "Unit" ADD CONSTRAINT "Unit_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Obligation" ADD CONSTRAINT "Obligation_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


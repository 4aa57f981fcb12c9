-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "title" TEXT NOT NULL,
    "officeName" TEXT NOT NULL,
    "officeEmail" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "sourceFile" TEXT NOT NULL,
    "definitionYaml" TEXT NOT NULL,
    "definitionHash" TEXT NOT NULL,
    "launchedAt" DATETIME NOT NULL,
    "launchedBy" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "settings" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
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

    PRIMARY KEY ("campaignId", "unitId"),
    CONSTRAINT "Unit_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
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
    "opensAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL,
    "escalation" TEXT NOT NULL,
    "extended" BOOLEAN NOT NULL DEFAULT false,
    "returned" BOOLEAN NOT NULL DEFAULT false,
    "submittedAt" DATETIME,
    "lateWorkingDays" INTEGER,
    "submittedFile" TEXT,
    "workflowId" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("campaignId", "unitId", "deliverableId"),
    CONSTRAINT "Obligation_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Notice" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "businessKey" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "deliverableId" TEXT NOT NULL,
    "deadline" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "scheduledAt" DATETIME NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" DATETIME,
    "messageId" TEXT NOT NULL,
    "recipients" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "sentAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Interview" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "noticeKey" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "deliverableId" TEXT NOT NULL,
    "principal" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "scheduledFor" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "eventKey" TEXT,
    "campaignId" TEXT NOT NULL,
    "unitId" TEXT,
    "deliverableId" TEXT,
    "at" DATETIME NOT NULL,
    "kind" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "detail" TEXT NOT NULL
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


-- AlterTable
ALTER TABLE "Obligation" ADD COLUMN     "workflowStartBy" TIMESTAMP(3),
ADD COLUMN     "workflowStartedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Obligation_campaignId_workflowStartedAt_workflowStartBy_idx" ON "Obligation"("campaignId", "workflowStartedAt", "workflowStartBy");


-- Obligations of campaigns launched before this column were all started by their campaign's workflow at launch
UPDATE "Obligation" SET "workflowStartedAt" = "updatedAt" WHERE "campaignId" IN (SELECT "id" FROM "Campaign" WHERE "workflowStartedAt" IS NOT NULL);

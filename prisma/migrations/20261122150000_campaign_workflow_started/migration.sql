-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN "workflowStartedAt" DATETIME;


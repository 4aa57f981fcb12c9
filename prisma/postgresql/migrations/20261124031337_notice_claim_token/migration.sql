-- AlterTable
ALTER TABLE "Notice" ADD COLUMN     "claimToken" TEXT;


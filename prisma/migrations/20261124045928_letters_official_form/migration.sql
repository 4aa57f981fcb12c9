-- AlterTable
ALTER TABLE "Unit" ADD COLUMN "principals" TEXT NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "Notice" ADD COLUMN "documentNumber" TEXT;

-- CreateTable
CREATE TABLE "DocumentSequence" (
    "prefix" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "last" INTEGER NOT NULL,

    PRIMARY KEY ("prefix", "year")
);

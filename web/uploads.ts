// Multipart forms: every file part read into memory up to the upload limit, every other part as text.
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { DubanError } from '../domain/errors';

export interface Form {
  files: Map<string, { name: string; bytes: Buffer }>;
  fields: Map<string, string>;
}

export async function readForm(request: FastifyRequest, maxBytes: number): Promise<Form> {
  if (!request.isMultipart()) throw new DubanError('INVALID_ARGUMENT', '请以 multipart/form-data 上传文件');
  const form: Form = { files: new Map(), fields: new Map() };
  for await (const part of request.parts({ limits: { fileSize: maxBytes, files: 5, fields: 20 } })) {
    if (part.type === 'file') {
      const bytes = await part.toBuffer().catch((err: { code?: string }) => {
        if (err.code === 'FST_REQ_FILE_TOO_LARGE') {
          throw new DubanError('FILE_TOO_LARGE', `文件“${part.filename}”超过 ${Math.round(maxBytes / 1024 / 1024)} MB 的大小限制`);
        }
        throw err;
      });
      form.files.set(part.fieldname, { name: part.filename, bytes });
    } else {
      form.fields.set(part.fieldname, String(part.value));
    }
  }
  return form;
}

export function requiredFile(form: Form, field: string, what: string) {
  const file = form.files.get(field);
  if (!file || !file.bytes.length) throw new DubanError('INVALID_ARGUMENT', `请选择${what}`);
  return file;
}

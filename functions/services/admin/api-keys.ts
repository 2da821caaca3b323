// API keys: created (shown once, stored as a hash), listed without the key, revoked.
import { type ApiKeyCreatedView, type ApiKeyView, apiKeyView, type Items } from '../../core/admin-views';
import { generateApiKey, hashApiKey } from '../../core/api-key';
import { newId } from '../../core/call-id';
import { DEFAULT_WORKSPACE } from '../../core/model';
import { logger } from '../../commons/logger';
import { failure, invalidParameter, noContent, reply, type UseCase } from './result';

export const createApiKey: UseCase<ApiKeyCreatedView> = async (deps, { body }) => {
  if (typeof body.name !== 'string' || !body.name.trim() || body.name.length > 100) {
    return invalidParameter('name', 'name is required: a string of 1 to 100 characters');
  }
  const key = generateApiKey();
  const record = {
    id: newId('key_'),
    workspaceId: DEFAULT_WORKSPACE,
    name: body.name.trim(),
    keyHash: hashApiKey(key),
    createdAt: deps.now().toISOString(),
  };
  await deps.store.putApiKey(record);
  logger.info('api key created', { apiKeyId: record.id });
  return reply({ id: record.id, name: record.name, key, createdAt: record.createdAt }, 201);
};

export const listApiKeys: UseCase<Items<ApiKeyView>> = async (deps) => {
  const keys = await deps.store.listApiKeys(DEFAULT_WORKSPACE);
  return reply({ items: keys.map(apiKeyView) });
};

export const revokeApiKey: UseCase<undefined> = async (deps, { params }) => {
  const id = params.id ?? '';
  if (!(await deps.store.deleteApiKey(DEFAULT_WORKSPACE, id))) return failure(404, 'api_key_not_found', `API key ${id} was not found`);
  logger.info('api key revoked', { apiKeyId: id });
  return noContent();
};

// The page's only way to the backend. A refusal is told by its stable code, never by its sentence.
import { invoke } from '@forge/bridge';

export const call = (name, payload) => invoke(name, payload);

export const isRefusal = (error) => error?.code === 'NOT_ADMIN' || error?.name === 'NotAdminError';

// Forge looks for handlers under src/; the handlers live in resolvers/.
export * from '../resolvers/index.js';

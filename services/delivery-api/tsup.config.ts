import { nodeProgram } from '../../tsup.node';

export default nodeProgram('src/server.ts');

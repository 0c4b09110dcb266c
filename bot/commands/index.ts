import { agentCommands } from './agent';
import type { CommandHandlers } from './command-context';
import { customerCommands } from './customer';
import { productCommands } from './products';
import { supervisorCommands } from './supervisor';

export { identityCommands, type IdentityCommandContext } from './identity';
export type { CommandContext, CommandHandler, ConversationData } from './command-context';

/** The commands of a known user, by intent (each checks who may run it). */
export const COMMANDS: CommandHandlers = { ...customerCommands, ...agentCommands, ...productCommands, ...supervisorCommands };

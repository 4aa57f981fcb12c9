export { campaignWorkflow } from './campaign';
export { obligationWorkflow } from './obligation';
export { unitMessageWorkflow } from './unit-message';

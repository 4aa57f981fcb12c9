export { campaignWorkflow } from './campaign';
export { obligationWorkflow } from './obligation';

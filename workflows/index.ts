export { campaignWorkflow } from './campaign';
export { rehearsalClockWorkflow } from './clock';
export { obligationWorkflow } from './obligation';

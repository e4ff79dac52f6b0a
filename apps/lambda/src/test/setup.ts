import { installAwslambdaShim } from './awslambda.js';

// The Lambda Node.js runtime defines `awslambda` before it loads the handler module.
installAwslambdaShim();

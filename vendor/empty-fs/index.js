// Empty: require('fs') resolves to node's built-in module before node_modules.

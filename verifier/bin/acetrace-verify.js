#!/usr/bin/env node
// Launcher kept in git with its executable bit, so a clean rebuild of dist/ never breaks the command.
'use strict';
process.exitCode = require('../dist/cli.js').runFromProcess();

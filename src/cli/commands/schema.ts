import type { Command } from 'commander';
import { pipelineJsonSchema } from '../../pipeline/index.js';
import type { CommandResult } from '../main.js';

export function registerSchemaCommand(program: Command, _result: CommandResult): void {
  program
    .command('schema')
    .summary('print the JSON Schema of .pipeline.yml for editors')
    .description(
      'Print the JSON Schema of .pipeline.yml, which editors use for completion and checking; a copy ' +
        'is kept in schema/pipeline.schema.json. With the YAML language server (VS Code), start the ' +
        'file with `# yaml-language-server: $schema=<path or URL of the schema>`.',
    )
    .addHelpText('after', '\nExample:\n  slipway schema > pipeline.schema.json\n')
    .action(() => {
      process.stdout.write(`${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`);
    });
}

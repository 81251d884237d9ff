import { checkPlaybookPaths, formatIssue } from '../playbooks/playbook.loader.js'

export interface CliOutput {
  log(s: string): void
  error(s: string): void
}

const USAGE = 'usage: playbooks validate [FILE_OR_DIR ...]   (default: the playbooks directory)'

/** Validates playbook files; prints `ok …` per valid file and one line per problem. Exit code 0 or 1. */
export async function runPlaybooksValidate(
  args: string[],
  out: CliOutput,
  defaultDir: string,
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    out.log(USAGE)
    return 0
  }
  const options = args.filter((a) => a.startsWith('-'))
  if (options.length > 0) {
    out.error(`unknown option ${options.join(' ')}\n${USAGE}`)
    return 1
  }
  const { files, issues } = await checkPlaybookPaths(args.length > 0 ? args : [defaultDir])
  for (const { file, loaded } of files) {
    if (loaded) {
      const { id, steps } = loaded.playbook
      out.log(`ok ${file} ${id} ${loaded.hash.slice(0, 12)} (${steps.length} steps)`)
    }
  }
  for (const issue of issues) out.error(formatIssue(issue))
  if (issues.length > 0) {
    const bad = new Set(issues.map((i) => i.file)).size
    out.error(
      `${issues.length} ${issues.length === 1 ? 'problem' : 'problems'} in ${bad} ${bad === 1 ? 'file' : 'files'}`,
    )
  }
  return issues.length > 0 ? 1 : 0
}

import { type Kysely, sql } from 'kysely'

/**
 * A sample belongs to at most one standing announcement, enforced by the database: `announcement_samples`
 * gets a `standing` flag, kept in step by the announcement verbs, and a unique index over `sample_id` where
 * it is set. A row stands when its announcement still claims the sample:
 *   - an original (draft, in review or published) stands until a correction or retraction of it publishes;
 *   - a retraction never stands (it lists what it takes back);
 *   - a correction not yet published stands only on the samples the announcement it corrects does not
 *     list: the shared ones are held by that announcement until the correction publishes, when the corrected
 *     one stops standing and the correction takes all its samples over (two statements, in that order).
 * So a correction can list its original's samples, and no two lineages can ever list one sample.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('announcement_samples')
    .addColumn('standing', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute()
  // Existing rows: what the rule says, and where a race already put one sample in two lineages, the
  // earliest announcement keeps it (the later one still lists it, but no longer holds it).
  await sql`
    update announcement_samples l set standing = true
    from (
      select distinct on (x.sample_id) x.announcement_id, x.sample_id
      from announcement_samples x
      join announcements a on a.id = x.announcement_id
      where a.kind <> 'retraction' and a.superseded is null
        and not (a.kind = 'correction' and a.status <> 'published' and exists (
          select 1 from announcement_samples o where o.announcement_id = a.refers_to and o.sample_id = x.sample_id))
      order by x.sample_id, a.created_at, a.id
    ) keep
    where l.announcement_id = keep.announcement_id and l.sample_id = keep.sample_id`.execute(db)
  await db.schema
    .createIndex('announcement_samples_standing_uq')
    .on('announcement_samples')
    .column('sample_id')
    .unique()
    .where(sql.ref('standing'), '=', true)
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('announcement_samples_standing_uq').execute()
  await db.schema.alterTable('announcement_samples').dropColumn('standing').execute()
}

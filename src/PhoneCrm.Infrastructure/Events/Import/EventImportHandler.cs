using Npgsql;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Infrastructure.Events.Import;

/// <summary>
/// Events files for <see cref="ImportRun"/>: consecutive lines with one <c>external_id</c> are one event
/// (<see cref="EventColumns"/>), recorded in batches with <see cref="EventService.RecordManyAsync"/>, so the API's rules
/// hold set-based: idempotent on externalId (a known id with the same content counts as a duplicate, with other content
/// it is rejected), stats recomputed for the touched contacts, an unknown phone creates the contact with the import's
/// source. Counts are per file line (an order over three lines counts three).
/// </summary>
public sealed class EventImportHandler(EventService events) : IImportRowHandler
{
    public const int BatchEvents = 1000;

    public string Kind => ImportKinds.Events;

    /// <summary>Events go through <see cref="EventService"/> on the run's own context, and later events of a contact
    /// build on earlier ones.</summary>
    public bool BatchesCommute => false;

    /// <summary>Events, the categories they imply and the stats they update on each contact.</summary>
    public IReadOnlyList<string> WrittenTables { get; } = ["contact_events", "contact_categories", "contacts"];

    public IReadOnlyList<string> Columns => EventColumns.All;

    public IReadOnlyList<string> RequiredColumns => EventColumns.Required;

    public IReadOnlyDictionary<string, int> Detect(IReadOnlyList<string> header) => EventColumns.Detect(header);

    public string? CheckHeader(IReadOnlyList<string> header)
    {
        var found = EventColumns.Detect(header);
        var missing = EventColumns.Required.Where(r => !found.ContainsKey(r)).ToList();
        return missing.Count == 0 ? null : $"Required columns missing in the header: {string.Join(", ", missing)}.";
    }

    public Task<IImportBatches> BeginAsync(ImportJob job, IReadOnlyList<string> header, CancellationToken ct)
    {
        var map = EventColumns.Resolve(header, job.Mapping);
        var missing = EventColumns.Required.Where(r => !map.ContainsKey(r)).ToList();
        if (missing.Count > 0) throw new ImportFormatException($"Required columns missing: {string.Join(", ", missing)}.");
        return Task.FromResult<IImportBatches>(new EventFile(events, job, map));
    }

    private sealed class EventFile(EventService events, ImportJob job, IReadOnlyDictionary<string, int> map) : IImportBatches
    {
        /// <summary>Batches of <see cref="BatchEvents"/> events, each event whole.</summary>
        public IEnumerable<IReadOnlyList<SourceRow>> Split(IEnumerable<SourceRow> rows) =>
            Groups(rows).Chunk(BatchEvents).Select(groups => (IReadOnlyList<SourceRow>)[.. groups.SelectMany(g => g)]);

        public void Replay(IReadOnlyList<SourceRow> committed)
        {
            // Nothing to remember: each event stands alone.
        }

        public IImportBatch Prepare(IReadOnlyList<SourceRow> rows)
        {
            var groups = Groups(rows).ToList();
            var inputs = new List<EventInput>();
            var reasons = new string?[groups.Count];
            var toRecord = new List<int>();
            for (var g = 0; g < groups.Count; g++)
            {
                var (input, error) = EventColumns.ToInput(groups[g], map);
                input.SourceChannel = job.SourceChannel;
                input.SourceDetail = ("events import: " + job.FileName)[..Math.Min(200, 15 + job.FileName.Length)];
                reasons[g] = error;
                if (error is not null) continue;
                inputs.Add(input);
                toRecord.Add(g);
            }

            return new EventBatch(events, map, groups, inputs, toRecord, reasons);
        }

        /// <summary>The lines of one event: consecutive lines with the same non-empty external id.</summary>
        private IEnumerable<List<SourceRow>> Groups(IEnumerable<SourceRow> rows)
        {
            var group = new List<SourceRow>();
            string? Key(SourceRow row) => map.TryGetValue(EventColumns.ExternalId, out var i) ? row.Field(i)?.Trim() : null;
            foreach (var row in rows)
            {
                if (group.Count > 0 && (string.IsNullOrEmpty(Key(row)) || Key(row) != Key(group[0])))
                {
                    yield return group;
                    group = [];
                }

                group.Add(row);
            }

            if (group.Count > 0) yield return group;
        }
    }

    /// <summary>A batch's events, parsed; the lines of groups that could not be parsed carry their reason already.</summary>
    private sealed record EventBatch(EventService Events, IReadOnlyDictionary<string, int> Map, List<List<SourceRow>> Groups,
        List<EventInput> Inputs, List<int> ToRecord, string?[] Reasons) : IImportBatch
    {
        public async Task<ImportBatchCounts> WriteAsync(NpgsqlConnection connection, CancellationToken ct)
        {
            int created = 0, duplicates = 0;
            var results = await Events.RecordManyAsync(Inputs, ct);
            for (var k = 0; k < results.Count; k++)
            {
                var g = ToRecord[k];
                switch (results[k].Outcome)
                {
                    case EventOutcome.Created:
                        created += Groups[g].Count;
                        break;
                    case EventOutcome.Duplicate:
                        duplicates += Groups[g].Count;
                        break;
                    case EventOutcome.Conflict:
                        Reasons[g] = "external_id: already used by a different event.";
                        break;
                    default:
                        Reasons[g] = string.Join(" ", results[k].Errors.ByField.Select(e => $"{Column(e.Key)}: {string.Join(" ", e.Value)}"));
                        break;
                }
            }

            var rejected = new List<RejectedRow>();
            for (var g = 0; g < Groups.Count; g++)
            {
                if (Reasons[g] is not { } reason) continue;
                var phone = Map.TryGetValue(EventColumns.Phone, out var p) ? Groups[g][0].Field(p) : null;
                rejected.AddRange(Groups[g].Select(line => new RejectedRow(line.Line, phone ?? "", reason.Length > 1000 ? reason[..1000] : reason)));
            }

            return new ImportBatchCounts(created, 0, duplicates, rejected);
        }
    }

    /// <summary>API field names in errors become the file's column names.</summary>
    private static string Column(string key) => key switch
    {
        "externalId" => EventColumns.ExternalId,
        "data.amount" => EventColumns.Amount,
        "data.items" => "items",
        _ => key,
    };
}

using FunctionsWorker.Pipelines;
using FunctionsWorker.Storage;
using FunctionsWorker.Schema;

namespace FunctionsWorker.Jobs;

/// <summary>
/// Keeps a running job's progress in its record: nothing for a job's first couple of seconds (a quick job costs no
/// extra storage call: its record says Succeeded soon enough), then at every new stage and at most every couple of
/// seconds within one, one write at a time in report order; the job awaits the last write when it ends. A failed write
/// is only logged: progress is for watching, never a reason to fail a job.
/// </summary>
internal sealed class RecordProgress(JobRecordStore records, string jobId, TimeProvider time, ILogger logger) : IProgress<PipelineProgress>, IAsyncDisposable
{
    private static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private readonly long _startedAt = time.GetTimestamp();
    private string? _stage;
    private long _writtenAt;
    private Task _writes = Task.CompletedTask;

    public void Report(PipelineProgress value)
    {
        lock (_gate)
        {
            if (time.GetElapsedTime(_startedAt) < MinInterval || (value.Stage == _stage && time.GetElapsedTime(_writtenAt) < MinInterval))
            {
                return;
            }

            _stage = value.Stage;
            _writtenAt = time.GetTimestamp();
            _writes = WriteAfterAsync(_writes, value);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task writes;
        lock (_gate)
        {
            writes = _writes;
        }

        await writes.ConfigureAwait(false);
    }

    private async Task WriteAfterAsync(Task previous, PipelineProgress value)
    {
        await previous.ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(WriteTimeout, time);
        try
        {
            await records.MergeAsync(jobId, new Dictionary<string, object?>
            {
                [JobRecordColumns.ProgressStage] = value.Stage,
                [JobRecordColumns.ProgressFraction] = Math.Clamp(value.Fraction, 0, 1),
                [JobRecordColumns.ProgressMessage] = value.Message,
            }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            Log.ProgressWriteFailed(logger, jobId, value.Stage, StorageErrors.Describe(ex));
        }
    }
}

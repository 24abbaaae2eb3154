namespace FunctionsWorker.State;

/// <summary>
/// The jobs this process is running: the one in-flight count behind the listener's fetch cap, status and the
/// shutdown wait, each job counted from the moment it is handed out until its message is settled.
/// </summary>
public sealed class InFlightJobs
{
    private readonly HashSet<Task> _jobs = [];
    private TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count
    {
        get
        {
            lock (_jobs)
            {
                return _jobs.Count;
            }
        }
    }

    /// <summary>Counts <paramref name="job"/> until it completes; the job owns its own error handling.</summary>
    public void Track(Task job)
    {
        lock (_jobs)
        {
            _jobs.Add(job);
        }

        _ = job.ContinueWith(Finished, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public Task[] Snapshot()
    {
        lock (_jobs)
        {
            return [.. _jobs];
        }
    }

    /// <summary>Completes when any job finishes (or at once if one finished since the last call), or after <paramref name="timeout"/>.</summary>
    public async Task WaitForOneAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Task finished;
        lock (_jobs)
        {
            finished = _finished.Task;
        }

        try
        {
            await finished.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The slice is over; the caller looks again.
        }

        lock (_jobs)
        {
            if (_finished.Task.IsCompleted)
            {
                _finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private void Finished(Task job)
    {
        TaskCompletionSource finished;
        lock (_jobs)
        {
            _jobs.Remove(job);
            finished = _finished;
        }

        finished.TrySetResult();
    }
}

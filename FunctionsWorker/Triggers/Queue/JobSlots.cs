namespace FunctionsWorker.Triggers.Queue;

/// <summary>
/// Starts a held message's job only while fewer than the learned limit run, first come first served, so the
/// prefetched message waits in memory instead of running as one more job, and a lowered limit takes effect as jobs end.
/// </summary>
internal sealed class JobSlots(Func<int> limit)
{
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private int _running;

    /// <summary>Waits for a slot; returns the jobs running with this one.</summary>
    public async Task<int> EnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource turn;
        lock (_gate)
        {
            if (_waiting.Count == 0 && _running < limit())
            {
                return ++_running;
            }

            turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(turn);
        }

        // A cancelled turn stays queued; Pump skips it, since it can no longer be completed.
        await using (cancellationToken.Register(() => turn.TrySetCanceled(cancellationToken)))
        {
            await turn.Task.ConfigureAwait(false);
        }

        lock (_gate)
        {
            return _running;
        }
    }

    public void Exit()
    {
        lock (_gate)
        {
            _running--;
        }

        Pump();
    }

    /// <summary>Hands free slots to waiting jobs; called when a job ends and when the limit may have risen.</summary>
    public void Pump()
    {
        lock (_gate)
        {
            while (_running < limit() && _waiting.TryDequeue(out var next))
            {
                if (next.TrySetResult())
                {
                    _running++;
                }
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace FunctionsWorker.Chaos;

/// <summary>
/// The chaos run: Azurite on disk behind one proxy per service, several real worker processes, a mixed load of valid
/// jobs, twins and bad messages, and faults on timers (kill -9, SIGTERM, storage cut/hang/reset/latency, Azurite
/// restart); then the faults stop, the run drains, and <see cref="ChaosVerifier"/> checks what is left.
/// </summary>
internal sealed class ChaosRunner(ChaosSettings settings)
{
    private const string QueueName = "jobs";
    private readonly Random _random = new(settings.Seed);
    private readonly FaultLog _faults = new();
    private readonly ConcurrentQueue<SentMessage> _sent = new();
    private readonly Random _processRandom = new(settings.Seed + 1);
    private readonly Random _storageRandom = new(settings.Seed + 2);
    private volatile bool _azuriteDown;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var runId = DateTimeOffset.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var directory = Directory.CreateTempSubdirectory("fw-chaos-").FullName;
        var revision = SourceRevision.Describe();
        Console.WriteLine($"chaos run {runId}: {settings.Workers} workers, {settings.Duration} of load, work directory {directory}");

        await using var azurite = new AzuriteServer(Path.Combine(directory, "azurite"));
        await azurite.StartAsync().ConfigureAwait(false);
        var proxies = new Dictionary<string, StorageProxy>(StringComparer.Ordinal)
        {
            ["blob"] = new("blob", azurite.BlobPort),
            ["queue"] = new("queue", azurite.QueuePort),
            ["table"] = new("table", azurite.TablePort),
        };
        var workerStorage = StorageAccount.ConnectionString(proxies["blob"].Port, proxies["queue"].Port, proxies["table"].Port);

        // The producer and the checks talk to Azurite directly: the faults are between the workers and storage.
        var queue = new QueueClient(azurite.ConnectionString, QueueName);
        var poison = new QueueClient(azurite.ConnectionString, QueueName + "-poison");
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        var table = new TableClient(azurite.ConnectionString, "jobs");
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var inputs = blobs.GetBlobContainerClient("inputs");
        var outputs = blobs.GetBlobContainerClient("outputs");
        await inputs.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await outputs.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var images = InputImages.Make(includeLarge: false);
        var textImages = InputImages.Text();
        foreach (var (name, content) in images.Concat(textImages))
        {
            await inputs.GetBlobClient(name).UploadAsync(new BinaryData(content), overwrite: true, cancellationToken).ConfigureAwait(false);
        }

        var workerSettings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AzureWebJobsStorage"] = workerStorage,
            ["JobsQueueName"] = QueueName,
            ["Pipelines:Delay:Enabled"] = "true",
            ["AzureFunctionsJobHost:worker:leaseDuration"] = settings.LeaseDuration.ToString("c", CultureInfo.InvariantCulture),
            ["AzureFunctionsJobHost:worker:shutdownGracePeriod"] = settings.ShutdownGracePeriod.ToString("c", CultureInfo.InvariantCulture),
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.500",
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = settings.VisibilityTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = settings.MaxDequeueCount.ToString(CultureInfo.InvariantCulture),
            ["AzureFunctionsJobHost:extensions:queues:batchSize"] = "8",
            // The OCR pipeline on the real PP-OCRv4 models, one cache the workers share (each model fetched once under
            // its lock), dynamic batching at its defaults: no MaxBatchSize or MaxQueueDelay set.
            ["Pipelines:Ocr:Enabled"] = "true",
            ["Models:ocr-det:Source"] = new Uri(Path.Combine(RepositoryPaths.OcrModels, "ch_PP-OCRv4_det_infer.onnx")).AbsoluteUri,
            ["Models:ocr-rec:Source"] = new Uri(Path.Combine(RepositoryPaths.OcrModels, "ch_PP-OCRv4_rec_infer.onnx")).AbsoluteUri,
            ["Models:ocr-dict:Source"] = new Uri(Path.Combine(RepositoryPaths.OcrModels, "ppocr_keys_v1.txt")).AbsoluteUri,
            ["Inference:ModelCacheDirectory"] = Path.Combine(directory, "models"),
        };
        var slots = Enumerable.Range(1, settings.Workers).Select(i => new WorkerSlot(i, workerSettings, directory)).ToList();
        foreach (var slot in slots)
        {
            await slot.StartAsync().ConfigureAwait(false);
        }

        var watcher = new ResultWatcher(outputs, () => _azuriteDown);
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopWatch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var factory = new MessageFactory(_random, settings, [.. images.Select(i => i.Name)], [.. textImages.Select(i => i.Name)], runId);
        var batches = new BatchWatcher(slots);
        var twins = new ConcurrentBag<Task>();
        var loops = new[]
        {
            ProduceAsync(queue, factory, twins, stopLoad.Token),
            ProcessFaultsAsync(slots, stopLoad.Token),
            StorageFaultsAsync(azurite, proxies, stopLoad.Token),
            ReviveAsync(slots, stopLoad.Token),
        };
        var watching = watcher.RunAsync(TimeSpan.FromSeconds(2), stopWatch.Token);
        var batchWatching = batches.RunAsync(TimeSpan.FromSeconds(2), stopWatch.Token);
        await Task.Delay(settings.Duration, cancellationToken).ConfigureAwait(false);
        await stopLoad.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(loops).ConfigureAwait(false);
        await Task.WhenAll(twins).ConfigureAwait(false);
        foreach (var proxy in proxies.Values)
        {
            proxy.SetLatency(TimeSpan.Zero);
            proxy.SetMode(ProxyMode.Pass);
        }

        foreach (var slot in slots)
        {
            await slot.ReviveIfCrashedAsync().ConfigureAwait(false);
        }

        Console.WriteLine($"  [{_faults.Elapsed:mm\\:ss}] load and faults stopped; draining (up to {settings.DrainTimeout})");
        var verifier = new ChaosVerifier([.. _sent], queue, poison, table, watcher);
        var drained = await verifier.DrainAsync(settings.DrainTimeout, settings.LeaseDuration, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"  [{_faults.Elapsed:mm\\:ss}] drained: {drained}");

        foreach (var slot in slots)
        {
            await slot.TerminateAndRestartAsync(settings.ShutdownGracePeriod + TimeSpan.FromSeconds(15), restart: false).ConfigureAwait(false);
        }

        await stopWatch.CancelAsync().ConfigureAwait(false);
        await watching.ConfigureAwait(false);
        await batchWatching.ConfigureAwait(false);
        await watcher.ScanAsync(cancellationToken).ConfigureAwait(false);

        var incarnations = slots.SelectMany(s => s.Incarnations).ToList();
        var logs = WorkerLogAnalysis.Read(incarnations);
        var findings = await verifier.VerifyAsync(logs, drained, cancellationToken).ConfigureAwait(false);
        findings.OcrBatchingReads = batches.ReadsWithBatching;
        findings.OcrBatches = batches.Totals();
        foreach (var (worker, model) in batches.BatchingOff)
        {
            findings.OcrBatchingOff[worker] = model;
        }

        ChaosVerdict.Judge(settings, _faults.Counts, incarnations.Select(i => (i.Name, i.End, i.StopTime)), findings);
        var report = ChaosReport.Write(settings, revision, _faults, incarnations, findings, logs, directory);
        Console.WriteLine(report);
        if (settings.ReportPath is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, report, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"report written to {path}");
        }

        foreach (var slot in slots)
        {
            await slot.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var proxy in proxies.Values)
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
        }

        Console.WriteLine(findings.Passed ? "CHAOS: PASSED" : "CHAOS: FAILED");
        return findings.Passed ? 0 : 1;
    }

    private async Task ProduceAsync(QueueClient queue, MessageFactory factory, ConcurrentBag<Task> twins, CancellationToken cancellationToken)
    {
        var due = 0.0;
        var badIndex = 0;
        var tick = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            due += settings.JobsPerSecond * tick.TotalSeconds;
            while (due >= 1 && !cancellationToken.IsCancellationRequested)
            {
                due--;
                var job = factory.Valid();
                await SendAsync(queue, job, cancellationToken).ConfigureAwait(false);
                if (_random.NextDouble() < settings.TwinFraction)
                {
                    var delay = TimeSpan.FromMilliseconds(_random.Next(0, 3000));
                    twins.Add(Task.Run(async () =>
                    {
                        await Task.Delay(delay, CancellationToken.None).ConfigureAwait(false);
                        await SendAsync(queue, job, CancellationToken.None).ConfigureAwait(false);
                    }, CancellationToken.None));
                }

                if (_random.NextDouble() < settings.BadFraction)
                {
                    var bad = factory.Bad(MessageFactory.BadKinds[badIndex++ % MessageFactory.BadKinds.Length]);
                    await SendAsync(queue, bad, cancellationToken).ConfigureAwait(false);
                }
            }

            try
            {
                await Task.Delay(tick, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends a message (again for a twin), waiting out an Azurite restart; recorded once acknowledged.</summary>
    private async Task SendAsync(QueueClient queue, SentMessage message, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            while (_azuriteDown)
            {
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
            }

            try
            {
                var receipt = (await queue.SendMessageAsync(message.Text, CancellationToken.None).ConfigureAwait(false)).Value;
                lock (message.MessageIds)
                {
                    if (message.MessageIds.Count == 0)
                    {
                        _sent.Enqueue(message);
                    }

                    message.MessageIds.Add(receipt.MessageId);
                }

                return;
            }
            catch (Exception ex) when ((ex is Azure.RequestFailedException or HttpRequestException or IOException) && attempt < 50 && !cancellationToken.IsCancellationRequested)
            {
                // Azurite went down between the check and the send: wait and send again (a duplicate is a twin).
                await Task.Delay(200, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task ProcessFaultsAsync(List<WorkerSlot> slots, CancellationToken cancellationToken)
    {
        var count = 0;
        while (await PauseAsync(_processRandom, settings.KillInterval, cancellationToken).ConfigureAwait(false))
        {
            var slot = slots[_processRandom.Next(slots.Count)];
            if (++count % 4 == 0)
            {
                var pid = slot.Current?.Process.Id;
                await slot.TerminateAndRestartAsync(settings.ShutdownGracePeriod + TimeSpan.FromSeconds(15)).ConfigureAwait(false);
                var ended = slot.Incarnations[^2];
                _faults.Add(FaultKinds.Sigterm, $"w{slot.Slot} pid {pid}: {ended.End} in {ended.StopTime?.TotalSeconds:F1} s, exit code {ended.ExitCode}; restarted");
            }
            else
            {
                var pid = slot.Current?.Process.Id;
                var downtime = TimeSpan.FromMilliseconds(_processRandom.Next(200, 2000));
                await slot.KillAndRestartAsync(downtime).ConfigureAwait(false);
                _faults.Add(FaultKinds.Kill, $"w{slot.Slot} pid {pid}; restarted after {downtime.TotalSeconds:F1} s");
            }
        }
    }

    private async Task StorageFaultsAsync(AzuriteServer azurite, Dictionary<string, StorageProxy> proxies, CancellationToken cancellationToken)
    {
        var lastRestart = _faults.Elapsed;
        string[] services = ["blob", "queue", "table"];
        var next = 0;
        while (await PauseAsync(_storageRandom, settings.StorageFaultInterval, cancellationToken).ConfigureAwait(false))
        {
            var length = TimeSpan.FromMilliseconds(_storageRandom.Next((int)settings.MaxStorageFault.TotalMilliseconds / 3, (int)settings.MaxStorageFault.TotalMilliseconds));
            if (_faults.Elapsed - lastRestart >= settings.AzuriteRestartInterval)
            {
                lastRestart = _faults.Elapsed;
                // The workers' keep-alive connections would hold Azurite's graceful close open: they go first, as
                // they do when a storage node goes away.
                _azuriteDown = true;
                foreach (var each in proxies.Values)
                {
                    each.SetMode(ProxyMode.Cut);
                }

                var stopping = System.Diagnostics.Stopwatch.StartNew();
                var graceful = await azurite.StopAsync().ConfigureAwait(false);
                var stopped = stopping.Elapsed;
                await Task.Delay(length, CancellationToken.None).ConfigureAwait(false);
                await azurite.StartAsync().ConfigureAwait(false);
                foreach (var each in proxies.Values)
                {
                    each.SetMode(ProxyMode.Pass);
                }

                _azuriteDown = false;
                _faults.Add(FaultKinds.AzuriteRestart, $"SIGTERM ({(graceful ? "closed" : "NOT closed, SIGKILL")} in {stopped.TotalSeconds:F1} s), down {length.TotalSeconds:F1} s more, started on the same data");
                continue;
            }

            // In turn: cut, hang, reset and latency, each on the next service.
            var service = services[next % 3];
            var proxy = proxies[service];
            switch (next++ % 4)
            {
                case 0:
                    proxy.SetMode(ProxyMode.Cut);
                    await Task.Delay(length, CancellationToken.None).ConfigureAwait(false);
                    proxy.SetMode(ProxyMode.Pass);
                    _faults.Add(FaultKinds.StorageCut, $"{service} refused for {length.TotalSeconds:F1} s");
                    break;
                case 1:
                    proxy.SetMode(ProxyMode.Hang);
                    await Task.Delay(length, CancellationToken.None).ConfigureAwait(false);
                    proxy.SetMode(ProxyMode.Pass);
                    _faults.Add(FaultKinds.StorageHang, $"{service} accepted but silent for {length.TotalSeconds:F1} s");
                    break;
                case 2:
                    foreach (var each in proxies.Values)
                    {
                        each.ResetAll();
                    }

                    _faults.Add(FaultKinds.ConnectionReset, "every open storage connection reset");
                    break;
                default:
                    var latency = TimeSpan.FromMilliseconds(_storageRandom.Next(100, 800));
                    proxy.SetLatency(latency);
                    await Task.Delay(length, CancellationToken.None).ConfigureAwait(false);
                    proxy.SetLatency(TimeSpan.Zero);
                    _faults.Add(FaultKinds.StorageLatency, $"{service} +{latency.TotalMilliseconds:F0} ms per answer for {length.TotalSeconds:F1} s");
                    break;
            }
        }
    }

    /// <summary>A worker that exits without being told to is a defect (a violation at the end): restarted so the run goes on.</summary>
    private async Task ReviveAsync(List<WorkerSlot> slots, CancellationToken cancellationToken)
    {
        while (await PauseAsync(null, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false))
        {
            foreach (var slot in slots)
            {
                if (await slot.ReviveIfCrashedAsync().ConfigureAwait(false))
                {
                    _faults.Add(FaultKinds.WorkerCrashed, $"w{slot.Slot} exited by itself (exit code {slot.Incarnations[^2].ExitCode}); restarted");
                }
            }
        }
    }

    /// <summary>Waits about <paramref name="mean"/> (±50 % with a <paramref name="jitter"/>); false once the load phase is over.</summary>
    private static async Task<bool> PauseAsync(Random? jitter, TimeSpan mean, CancellationToken cancellationToken)
    {
        var wait = jitter is null ? mean : mean * (0.5 + jitter.NextDouble());
        try
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

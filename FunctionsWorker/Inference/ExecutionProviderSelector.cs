using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace FunctionsWorker.Inference;

/// <summary>
/// Decides once per process whether sessions run on CUDA or CPU: CUDA when it was asked for (or <c>auto</c>) and
/// this ONNX Runtime build can start it, else CPU with the reason, so a GPU image on a CPU node still serves.
/// </summary>
internal sealed class ExecutionProviderSelector(IOptions<InferenceOptions> options, ILogger<ExecutionProviderSelector> logger)
{
    private const string CudaProvider = "CUDAExecutionProvider";

    private readonly Lock _gate = new();
    private DeviceStatus? _status;

    public DeviceStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status ??= Probe();
            }
        }
    }

    /// <summary>Session options for one model on the effective device; the caller disposes them.</summary>
    public SessionOptions CreateSessionOptions(ModelOptions model, InferenceDevice device)
    {
        var sessionOptions = new SessionOptions { GraphOptimizationLevel = model.GraphOptimizationLevel };
        try
        {
            if (model.IntraOpThreads is { } threads)
            {
                sessionOptions.IntraOpNumThreads = threads;
            }

            // Idle intra-op threads must not spin: on a small node they would starve the HTTP triggers and the listener.
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");

            if (device == InferenceDevice.Cuda)
            {
                sessionOptions.AppendExecutionProvider_CUDA(0);
            }

            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    /// <summary>A CUDA session failed to start although the provider loaded (no device, driver too old): use CPU from now on.</summary>
    public void FallBackToCpu(string reason)
    {
        lock (_gate)
        {
            var requested = options.Value.Device;
            _status = new DeviceStatus(requested, InferenceDevice.Cpu, $"CUDA failed to start a session ({reason}); running on CPU");
            Log.DeviceSelected(logger, requested, InferenceDevice.Cpu, _status.Reason);
        }
    }

    private DeviceStatus Probe()
    {
        var requested = options.Value.Device;
        var status = requested == InferenceDevice.Cpu
            ? new DeviceStatus(requested, InferenceDevice.Cpu, "Inference:Device is cpu")
            : ProbeCuda(requested);
        Log.DeviceSelected(logger, status.Requested, status.Effective, status.Reason);
        return status;
    }

    private static DeviceStatus ProbeCuda(InferenceDevice requested)
    {
        var asked = requested == InferenceDevice.Cuda ? "CUDA was requested, but" : "auto:";
        var providers = OrtEnv.Instance().GetAvailableProviders();
        if (!providers.Contains(CudaProvider, StringComparer.Ordinal))
        {
            return new DeviceStatus(
                requested,
                InferenceDevice.Cpu,
                $"{asked} this ONNX Runtime build has no {CudaProvider} (it offers {string.Join(", ", providers)}); running on CPU");
        }

        try
        {
            using var probe = new SessionOptions();
            probe.AppendExecutionProvider_CUDA(0);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            return new DeviceStatus(requested, InferenceDevice.Cpu, $"{asked} CUDA could not be started ({ex.Message}); running on CPU");
        }

        return new DeviceStatus(requested, InferenceDevice.Cuda, $"{CudaProvider} is available");
    }
}

using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace FunctionsWorker.Inference;

/// <summary>
/// Decides once per process where sessions run: <c>auto</c> takes CUDA when this ONNX Runtime build can start it,
/// else CPU with the reason, so a GPU image on a CPU node still serves; <c>cuda</c> takes CUDA or nothing (no
/// effective device, and every model fails with the reason), so no job runs on CPU by surprise.
/// </summary>
internal sealed partial class ExecutionProviderSelector(IOptions<InferenceOptions> options, ILogger<ExecutionProviderSelector> logger)
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
                AppendCuda(sessionOptions, options.Value);
            }

            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Under <c>auto</c>, a CUDA session failed to start although the provider loaded (no device, driver too old):
    /// use CPU from now on. Never called when <c>cuda</c> is required.
    /// </summary>
    public void FallBackToCpu(string reason)
    {
        lock (_gate)
        {
            var requested = options.Value.Device;
            _status = new DeviceStatus(requested, InferenceDevice.Cpu, $"auto: CUDA failed to start a session ({WithoutSourceLocation(reason)}); running on CPU");
            Log.DeviceSelected(logger, requested, nameof(InferenceDevice.Cpu), _status.Reason);
        }
    }

    /// <summary>
    /// The CUDA provider's options, the same for every session: GPU 0; cuDNN's algorithm search from the settings; the
    /// largest cuDNN workspace a convolution asks for (the fastest algorithms; the memory returns to the arena after
    /// the run); an arena that grows by what is asked rather than to the next power of two, since every shape is
    /// warmed before the worker is ready and several models share one GPU.
    /// </summary>
    public static Dictionary<string, string> CudaProviderOptions(InferenceOptions settings) => new(StringComparer.Ordinal)
    {
        ["device_id"] = "0",
        ["cudnn_conv_algo_search"] = settings.CudnnConvAlgoSearch switch
        {
            CudnnConvAlgoSearch.Exhaustive => "EXHAUSTIVE",
            CudnnConvAlgoSearch.Default => "DEFAULT",
            _ => "HEURISTIC",
        },
        ["cudnn_conv_use_max_workspace"] = "1",
        ["arena_extend_strategy"] = "kSameAsRequested",
    };

    /// <summary>
    /// ONNX Runtime's message without its source location: "Failed to load library .../libonnxruntime_providers_cuda.so
    /// with error: libcublasLt.so.13: cannot open shared object file: No such file or directory" names what is missing.
    /// </summary>
    public static string WithoutSourceLocation(string message) => OrtSourceLocation().Replace(message, string.Empty);

    // Loads the CUDA provider library: where its dependencies (cuBLAS, cuDNN, the driver) are missing, this throws
    // with the loader's message.
    private static void AppendCuda(SessionOptions sessionOptions, InferenceOptions settings)
    {
        using var cudaOptions = new OrtCUDAProviderOptions();
        cudaOptions.UpdateOptions(CudaProviderOptions(settings));
        sessionOptions.AppendExecutionProvider_CUDA(cudaOptions);
    }

    private DeviceStatus Probe()
    {
        var requested = options.Value.Device;
        var status = requested == InferenceDevice.Cpu
            ? new DeviceStatus(requested, InferenceDevice.Cpu, "Inference:Device is cpu")
            : ProbeCuda(requested, options.Value);
        Log.DeviceSelected(logger, status.Requested, status.Effective?.ToString() ?? "none", status.Reason);
        return status;
    }

    private static DeviceStatus ProbeCuda(InferenceDevice requested, InferenceOptions settings)
    {
        var providers = OrtEnv.Instance().GetAvailableProviders();
        if (!providers.Contains(CudaProvider, StringComparer.Ordinal))
        {
            return Unavailable(requested, $"this ONNX Runtime build has no {CudaProvider} (it offers {string.Join(", ", providers)})");
        }

        try
        {
            using var probe = new SessionOptions();
            AppendCuda(probe, settings);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            return Unavailable(requested, $"CUDA could not be started ({WithoutSourceLocation(ex.Message)})");
        }

        return new DeviceStatus(requested, InferenceDevice.Cuda, $"{CudaProvider} is available");
    }

    private static DeviceStatus Unavailable(InferenceDevice requested, string why) => requested == InferenceDevice.Cuda
        ? new DeviceStatus(requested, null, $"Inference:Device is cuda, but {why}; models fail rather than run on CPU (Inference:Device=auto allows CPU)")
        : new DeviceStatus(requested, InferenceDevice.Cpu, $"auto: {why}; running on CPU");

    // "[ErrorCode:Fail] /onnxruntime_src/...cc:2059 onnxruntime::Provider& ...::Get() [ONNXRuntimeError] : 1 : FAIL : "
    [GeneratedRegex(@"^\[ErrorCode:\w+\] .*?\[ONNXRuntimeError\] : \d+ : \w+ : ", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex OrtSourceLocation();
}

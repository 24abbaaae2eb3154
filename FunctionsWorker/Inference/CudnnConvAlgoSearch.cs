using System.Text.Json.Serialization;

namespace FunctionsWorker.Inference;

/// <summary>How cuDNN picks a convolution algorithm for each new input shape (<c>Inference:CudnnConvAlgoSearch</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CudnnConvAlgoSearch>))]
public enum CudnnConvAlgoSearch
{
    /// <summary>cuDNN's own ranking, no trial runs: a new shape costs nothing extra (the worker's default).</summary>
    Heuristic,

    /// <summary>Times every algorithm on the first run of each new shape: the fastest kernels, a slow first run per shape.</summary>
    Exhaustive,

    /// <summary>One fixed algorithm (IMPLICIT_PRECOMP_GEMM) for every convolution, no search at all.</summary>
    Default,
}

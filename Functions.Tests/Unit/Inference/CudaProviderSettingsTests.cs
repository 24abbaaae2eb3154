using FunctionsWorker.Inference;
using Microsoft.Extensions.Configuration;

namespace Functions.Tests.Unit.Inference;

/// <summary>What the CUDA provider is given, and how <c>Inference:CudnnConvAlgoSearch</c> is read and checked.</summary>
public sealed class CudaProviderSettingsTests
{
    [Fact]
    public void Default_IsHeuristicSearch_MaxWorkspace_ArenaGrownByRequest_OnGpuZero()
    {
        var options = new InferenceOptions();
        Assert.Equal(CudnnConvAlgoSearch.Heuristic, options.CudnnConvAlgoSearch);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["device_id"] = "0",
                ["cudnn_conv_algo_search"] = "HEURISTIC",
                ["cudnn_conv_use_max_workspace"] = "1",
                ["arena_extend_strategy"] = "kSameAsRequested",
            },
            ExecutionProviderSelector.CudaProviderOptions(options));
    }

    [Theory]
    [InlineData("heuristic", "HEURISTIC")]
    [InlineData("Exhaustive", "EXHAUSTIVE")]
    [InlineData("default", "DEFAULT")]
    public void Setting_IsPassedToCudnnConvAlgoSearch(string setting, string expected)
    {
        var options = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Inference:CudnnConvAlgoSearch"] = setting })
            .Build()
            .GetSection(InferenceOptions.SectionName)
            .Get<InferenceOptions>()!;
        Assert.Equal(expected, ExecutionProviderSelector.CudaProviderOptions(options)["cudnn_conv_algo_search"]);
        Assert.True(new InferenceOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void UndefinedSearch_IsRefused_NamingTheSetting()
    {
        var result = new InferenceOptionsValidator().Validate(null, new InferenceOptions { CudnnConvAlgoSearch = (CudnnConvAlgoSearch)7 });
        Assert.Equal("Inference:CudnnConvAlgoSearch '7' is not one of heuristic, exhaustive, default.", result.FailureMessage);
    }

    [Fact]
    public void OrtMessage_LosesItsSourceLocation_KeepingTheLoadersWords()
    {
        const string message = "[ErrorCode:Fail] /onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:2059 onnxruntime::Provider& " +
            "onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library /app/libonnxruntime_providers_cuda.so " +
            "with error: libcublasLt.so.13: cannot open shared object file: No such file or directory";
        Assert.Equal(
            "Failed to load library /app/libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file: No such file or directory",
            ExecutionProviderSelector.WithoutSourceLocation(message));
    }

    [Fact]
    public void OtherMessages_AreKeptWhole()
    {
        const string message = "[ErrorCode:Fail] CUDA failure 100: no CUDA-capable device is detected";
        Assert.Equal(message, ExecutionProviderSelector.WithoutSourceLocation(message));
    }
}

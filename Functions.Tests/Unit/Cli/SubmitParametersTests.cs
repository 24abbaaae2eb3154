using FunctionsWorker.Cli;

namespace Functions.Tests.Unit.Cli;

public sealed class SubmitParametersTests
{
    [Fact]
    public void Parameters_JsonValuesStayTyped_OthersAreStrings()
    {
        var parameters = SubmitCommand.Parameters(["maxSide=128", "overlay=true", "format=png", "note=a=b"]);
        Assert.Equal(128, parameters["maxSide"]!.GetValue<int>());
        Assert.True(parameters["overlay"]!.GetValue<bool>());
        Assert.Equal("png", parameters["format"]!.GetValue<string>());
        Assert.Equal("a=b", parameters["note"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("novalue")]
    [InlineData("=1")]
    public void Parameter_WithoutKey_IsBadInput(string pair)
    {
        var error = Assert.Throws<CliException>(() => SubmitCommand.Parameters([pair]));
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    [Fact]
    public void Redact_MasksKeysSignaturesAndFunctionKeys()
    {
        var text = Secrets.Redact("AccountKey=abc/def==;x sig=Zm9v&se=1 x-functions-key: k3y");
        Assert.DoesNotContain("abc/def", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Zm9v", text, StringComparison.Ordinal);
        Assert.DoesNotContain("k3y", text, StringComparison.Ordinal);
    }
}

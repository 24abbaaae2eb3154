using System.Diagnostics;
using CsCheck;
using FunctionsWorker.Errors;
using FunctionsWorker.Jobs;

namespace Functions.Tests.Fuzz;

/// <summary>Any body a producer can put on the queue ends in a <see cref="JobMessage"/> or a permanent <see cref="InvalidJobException"/>.</summary>
public sealed class JobMessageParserFuzzTests
{
    private static readonly JobRules Rules = new(
        new HashSet<string> { "thumbnail", "ocr" },
        new HashSet<string> { "inputs" },
        new HashSet<string> { "outputs", "results" },
        new HashSet<string> { "jobs", "jobs-poison" },
        new HashSet<string> { "done", "results" });

    private static readonly string[] Seeds =
    [
        """{"jobId":"job-1","pipeline":"thumbnail","input":{"container":"inputs","blob":"a/b.png"}}""",
        """{"jobId":"7c1e2d7e-1","pipeline":"ocr","input":{"container":"inputs","blob":"scans/page-1.png"},"output":{"container":"outputs","prefix":"7c1e2d7e-1/"},"parameters":{"maxSide":960,"overlay":true},"replyTo":"results"}""",
        "\uFEFF{\"jobId\":\"b\",\"pipeline\":\"thumbnail\",\"input\":{\"container\":\"inputs\",\"blob\":\"x.png\"},\"parameters\":{}}",
    ];

    [Fact]
    public void RandomJson_EndsInAMessageOrAPermanentRejection()
    {
        Run("parser/random-json", JsonGen.Document);
    }

    [Fact]
    public void MutatedValidMessages_EndInAMessageOrAPermanentRejection()
    {
        var mutated = Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int, Gen.Int[1, 8], (seed, random, count) => Mutator.Mutate(Seeds[seed], random, count));
        Run("parser/mutated", mutated);
    }

    [Fact]
    public void ValidMessagesWithHostileFieldsSpliced_EndInAMessageOrAPermanentRejection()
    {
        // A valid envelope with one field replaced by any JSON value, or repeated (duplicate keys).
        var spliced = Gen.Select(Gen.OneOf("jobId", "pipeline", "input", "output", "parameters", "replyTo", "blob", "container", "prefix"), JsonGen.Value, Gen.Bool,
            (field, value, duplicate) =>
            {
                var body = Seeds[1];
                var at = body.IndexOf($"\"{field}\":", StringComparison.Ordinal);
                return duplicate
                    ? body.Insert(at, $"\"{field}\":{value},")
                    : body.Insert(at + field.Length + 3, value + ",\"x\":");
            });
        Run("parser/spliced", spliced);
    }

    [Fact]
    public void KnownHostileBodies_AreRejectedAsInvalid()
    {
        string[] bodies =
        [
            new string('[', 100_000),
            "{\"jobId\":" + new string('[', 5_000) + new string(']', 5_000) + "}",
            "{\"jobId\":\"\\ud800\",\"pipeline\":\"thumbnail\"}",
            "{\"jobId\":\"a\",\"jobId\":\"b\"}",
            "\uFEFF\uFEFF{}",
            "",
        ];

        foreach (var body in bodies)
        {
            Assert.Equal(FailureClass.Permanent, Assert.Throws<InvalidJobException>(() => JobMessageParser.Parse(body, Rules)).FailureClass);
            _ = JobMessageParser.TryReadJobId(body);
        }
    }

    private static void Run(string target, Gen<string> bodies)
    {
        var executions = 0L;
        var rejected = 0L;
        var watch = Stopwatch.StartNew();
        bodies.Sample(body =>
        {
            Interlocked.Increment(ref executions);
            try
            {
                JobMessageParser.Parse(body, Rules);
            }
            catch (InvalidJobException ex)
            {
                Interlocked.Increment(ref rejected);
                Assert.Equal(FailureClass.Permanent, ex.FailureClass);
            }

            // The record key of an unparsable message is looked up from the same body: it must never throw either.
            _ = JobMessageParser.TryReadJobId(body);
        }, iter: FuzzRun.Iterations(), threads: FuzzRun.Threads, seed: FuzzRun.Seed, print: Printable);
        FuzzRun.Record(target, executions, watch.Elapsed, $"rejected {rejected}, accepted {executions - rejected}");
    }

    private static string Printable(string body) => body.Length > 400 ? body[..400] + $"... ({body.Length} chars)" : body;
}

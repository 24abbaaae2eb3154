namespace FunctionsWorker.Bench;

/// <summary>One process the start-up section times: a program (<c>dotnet</c> and a DLL, or a native binary) and its settings.</summary>
internal sealed record StartupTarget(string Name, string FileName, string? Dll, IReadOnlyDictionary<string, string?> Settings);

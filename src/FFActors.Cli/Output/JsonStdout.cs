using System.Text.Json;
using Spectre.Console;

namespace FFActors.Cli.Output;

/// <summary>
/// For <c>--json</c>: while held, everything the run prints (tables, progress, log lines) goes to
/// stderr, so stdout carries the one JSON object a script parses and nothing else.
/// </summary>
public sealed class JsonStdout : IDisposable
{
    readonly TextWriter stdout;
    readonly IAnsiConsole console;

    JsonStdout()
    {
        stdout = Console.Out;
        console = AnsiConsole.Console;
        Console.SetOut(Console.Error);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
    }

    public static JsonStdout Take() => new();

    static readonly JsonSerializerOptions Options = new() { WriteIndented = false, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="value"/> as one line of JSON to the real stdout.</summary>
    public void Write(object value)
    {
        stdout.WriteLine(JsonSerializer.Serialize(value, Options));
        stdout.Flush();
    }

    public void Dispose()
    {
        Console.SetOut(stdout);
        AnsiConsole.Console = console;
    }
}

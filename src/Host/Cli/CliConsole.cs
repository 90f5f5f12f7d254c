using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace AlpacaFarm.Host.Cli;

/// <summary>Where a command writes: the process console, or writers a test captures.</summary>
public sealed class CliConsole
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // terminal and files, not HTML
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    // Files and pipes get wide lines rather than Spectre's 80 columns, which would wrap tables into fragments.
    private const int RedirectedWidth = 200;

    private CliConsole(TextWriter output, TextWriter error, IAnsiConsole ansi)
    {
        Out = output;
        Error = error;
        Ansi = ansi;
    }

    /// <summary>Plain standard output (help, JSON, CSV).</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error: one line per failure.</summary>
    public TextWriter Error { get; }

    /// <summary>Rich output (tables, progress) on standard output.</summary>
    public IAnsiConsole Ansi { get; }

    /// <summary>The process console.</summary>
    public static CliConsole System()
    {
        var ansi = AnsiConsole.Console;
        if (Console.IsOutputRedirected) ansi.Profile.Width = RedirectedWidth;
        return new(Console.Out, Console.Error, ansi);
    }

    /// <summary>Captured output without colours or terminal control codes, for tests and redirected use.</summary>
    public static CliConsole Capture(TextWriter output, TextWriter error)
    {
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        ansi.Profile.Width = RedirectedWidth;
        return new(output, error, ansi);
    }

    /// <summary>Writes a value as indented snake_case JSON.</summary>
    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>Writes the one-line error every failure gets.</summary>
    public void WriteError(string message) => Error.WriteLine($"error: {message}");
}

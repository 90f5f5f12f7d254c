using System.Text;
using System.Text.Json;

namespace AlpacaFarm.Evaluation.Outputs;

/// <summary>Reads AlpacaEval's JSON files: strict UTF-8, a top-level array of objects, string fields.</summary>
internal static class AlpacaEvalJson
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The rows of <paramref name="path"/>; a file that is not UTF-8 JSON holding an array of objects is refused. A UTF-8
    /// byte-order mark (as Windows editors write) is skipped; a UTF-16 or UTF-32 one is named in the refusal.
    /// </summary>
    public static IReadOnlyList<JsonElement> ReadRows(string path)
    {
        if (Directory.Exists(path)) throw new InputValidationException($"{path}: is a directory, not a file");
        if (!File.Exists(path)) throw new InputValidationException($"{path}: file not found");
        var bytes = File.ReadAllBytes(path).AsMemory();
        if (bytes.Span.StartsWith(Encoding.UTF8.Preamble)) bytes = bytes[Encoding.UTF8.Preamble.Length..];
        else if (ForeignByteOrderMark(bytes.Span) is { } encoding)
            throw new InputValidationException($"{path}: starts with a {encoding} byte-order mark: save it as UTF-8");
        try
        {
            StrictUtf8.GetCharCount(bytes.Span);
        }
        catch (DecoderFallbackException e)
        {
            throw new InputValidationException($"{path}: not UTF-8 (invalid byte at offset {e.Index})");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new InputValidationException($"{path}: not JSON ({e.Message.Split('\n')[0].Trim()})");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            throw new InputValidationException($"{path}: expected a JSON array of rows, found {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
        var rows = document.RootElement.EnumerateArray().ToList();
        var notObjects = rows.Select((row, index) => (row, index)).Where(r => r.row.ValueKind != JsonValueKind.Object).Select(r => r.index).ToList();
        if (notObjects.Count > 0) throw new InputValidationException($"{path}: {RowList(notObjects)} not a JSON object");
        return rows;
    }

    private static string? ForeignByteOrderMark(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]) ? "UTF-32 (little-endian)"
        : bytes.StartsWith((ReadOnlySpan<byte>)[0, 0, 0xFE, 0xFF]) ? "UTF-32 (big-endian)"
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) ? "UTF-16 (little-endian)"
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? "UTF-16 (big-endian)"
        : null;

    /// <summary>A string field, or null when absent or JSON null; any other kind is an error.</summary>
    public static string? OptionalString(JsonElement row, string field) =>
        !row.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new FormatException(field);

    /// <summary>"row 3", "rows 3, 7, 9" or "rows 3, 7, 9, 11, 12 and 4 more" (0-based, as in the file).</summary>
    public static string RowList(IReadOnlyList<int> rows)
    {
        const int Shown = 5;
        var head = string.Join(", ", rows.Take(Shown));
        var more = rows.Count > Shown ? $" and {rows.Count - Shown} more" : "";
        return (rows.Count == 1 ? "row " : "rows ") + head + more;
    }
}

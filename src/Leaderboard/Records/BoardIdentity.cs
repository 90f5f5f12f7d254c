using System.Security.Cryptography;
using System.Text;

namespace AlpacaFarm.Leaderboard;

/// <summary>
/// What a win rate is measured against: rows are only ranked against rows of the same board.
/// The names are for display; only the hashes and the evaluation-set id decide the board.
/// </summary>
public sealed record BoardIdentity(
    string EvaluationSetId,
    string EvaluationSetSha256,
    string ReferenceSha256,
    string PoolHash,
    string EvaluationSetName,
    string ReferenceName,
    string PoolName)
{
    /// <summary>First 12 lowercase hex digits of SHA-256(UTF-8 "EvaluationSetId|EvaluationSetSha256|ReferenceSha256|PoolHash").</summary>
    // Computed on read, not cached, so that a `with` copy never carries a stale id.
    public string Id => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        $"{EvaluationSetId}|{EvaluationSetSha256}|{ReferenceSha256}|{PoolHash}")))[..12];
}

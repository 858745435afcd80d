using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace PhoneCrm.Infrastructure.Database;

/// <summary>
/// Work that must follow a commit, never precede it (e.g. counting rows in the metrics, which a rollback would take
/// back): run at once when the context has no transaction open, else when that transaction commits, and dropped when it
/// rolls back or fails. The app adds one to each of its contexts; a context without it runs the work at once.
/// </summary>
public sealed class AfterCommit : DbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbTransaction, List<Action>> _pending = [];

    public static void Run(DbContext db, Action work)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var interceptor = transaction is null ? null
            : db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<AfterCommit>().FirstOrDefault();
        if (interceptor is null)
        {
            work();
            return;
        }

        lock (interceptor._pending) interceptor._pending.GetOrCreateValue(transaction!).Add(work);
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => End(transaction, committed: true);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        End(transaction, committed: true);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => End(transaction, committed: false);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        End(transaction, committed: false);
        return Task.CompletedTask;
    }

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => End(transaction, committed: false);

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData,
        CancellationToken cancellationToken = default)
    {
        End(transaction, committed: false);
        return Task.CompletedTask;
    }

    // A transaction disposed without either leaves its entry to the weak table: dropped with the transaction, never run.
    private void End(DbTransaction transaction, bool committed)
    {
        List<Action>? work;
        lock (_pending)
        {
            if (!_pending.TryGetValue(transaction, out work)) return;
            _pending.Remove(transaction);
        }

        if (committed) foreach (var action in work) action();
    }
}

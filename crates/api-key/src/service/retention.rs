//! The retention sweep: latchkey keeps expired and used-up keys (refusing
//! them with `KEY_EXPIRED`/`USAGE_EXCEEDED`) and removes them only once the
//! configured retention has passed.

use super::ApiKeys;
use crate::db::queries::retention;
use crate::error::ApiKeyError;

impl ApiKeys {
    /// Deletes keys retired for longer than the retention setting; does
    /// nothing when no retention is configured. Returns how many.
    pub async fn sweep_retired(&self) -> Result<usize, ApiKeyError> {
        let Some(retention) = self.options.retired_key_retention else {
            return Ok(0);
        };
        let cutoff = self.clock.now() - retention;
        self.run_change(move |conn| Ok(retention::delete_retired(conn, cutoff)?))
            .await
    }
}

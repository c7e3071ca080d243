from enum import StrEnum


class ListApiKeysSortBy(StrEnum):
    CONFIGID = "configId"
    CREATEDAT = "createdAt"
    ENABLED = "enabled"
    EXPIRESAT = "expiresAt"
    ID = "id"
    LASTREFILLAT = "lastRefillAt"
    LASTREQUEST = "lastRequest"
    NAME = "name"
    PREFIX = "prefix"
    RATELIMITENABLED = "rateLimitEnabled"
    RATELIMITMAX = "rateLimitMax"
    RATELIMITTIMEWINDOW = "rateLimitTimeWindow"
    REFERENCEID = "referenceId"
    REFILLAMOUNT = "refillAmount"
    REFILLINTERVAL = "refillInterval"
    REMAINING = "remaining"
    REQUESTCOUNT = "requestCount"
    START = "start"
    UPDATEDAT = "updatedAt"
    USERID = "userId"

    def __str__(self) -> str:
        return str(self.value)

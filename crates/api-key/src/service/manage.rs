//! Create, get, list, update and delete (filled by the API-key management work).

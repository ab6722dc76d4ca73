//! Shared code of the example programs. The programs themselves arrive with the server and
//! client issues.

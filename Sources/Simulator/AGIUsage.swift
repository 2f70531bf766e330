/// The usage text Asterisk 20 sends in a `520-` block for a command given the wrong arguments,
/// as agi-errors.log recorded it (each line ends in LF; the help lines carry no prefix).
enum AGIUsage {
    static let texts: [String: String] = [
        "get data": "Stream the given <replaceable>file</replaceable>, and receive DTMF data.\nReturns the digits received from the channel at the other end.\n",
        "say digits": "Say a given digit string, returning early if any of the given DTMF digits are received on the channel. Returns <literal>0</literal> if playback completes without a digit being pressed, or the ASCII numerical value of the digit if one was pressed or <literal>-1</literal> on error/hangup.\n",
        "stream file": "Send the given file, allowing playback to be interrupted by the given digits, if any. Returns <literal>0</literal> if playback completes without a digit being pressed, or the ASCII numerical value of the digit if one was pressed, or <literal>-1</literal> on error or if the channel was disconnected. If musiconhold is playing before calling stream file it will be automatically stopped and will not be restarted after completion.\nIt sets the following channel variables upon completion:\n<variable>PLAYBACKSTATUS</variable>: The status of the playback attempt as a text string.\n    <value>SUCCESS</value>\n    <value>FAILED</value>\n",
        "exec": "Executes <replaceable>application</replaceable> with given <replaceable>options</replaceable>.\nReturns whatever the <replaceable>application</replaceable> returns, or <literal>-2</literal> on failure to find <replaceable>application</replaceable>.\n<note>NOTE:</note> exec does not evaluate dialplan functions and variables unless it is explicitly enabled by setting the <variable>AGIEXECFULL</variable> variable to <literal>yes</literal>.\n",
        "set variable": "Sets a variable to the current channel.\n",
        "get variable": "Returns <literal>0</literal> if <replaceable>variablename</replaceable> is not set. Returns <literal>1</literal> if <replaceable>variablename</replaceable> is set and returns the variable in parentheses.\nExample return code: 200 result=1 (testvariable)\n",
        "database get": "Retrieves an entry in the Asterisk database for a given <replaceable>family</replaceable> and <replaceable>key</replaceable>.\nReturns <literal>0</literal> if <replaceable>key</replaceable> is not set. Returns <literal>1</literal> if <replaceable>key</replaceable> is set and returns the variable in parenthesis.\nExample return code: 200 result=1 (testvariable)\n",
    ]
}
